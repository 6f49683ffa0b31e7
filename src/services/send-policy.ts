// The operator's sending rules that the send service applies, taken from config once at boot.
import type { SendingWindow } from '../domain/promotional-window.ts';

export interface SendPolicy {
  maxSegments: number;
  maxVariableLength: number;
  defaultValiditySeconds: number;
  maxScheduleDays: number;
  dltEnforce: boolean;
  promotionalWindow: SendingWindow;
  maxRecipients: number;
}
