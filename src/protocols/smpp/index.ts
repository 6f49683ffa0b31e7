// SMPP 3.4: a standalone library (no runtime dependencies, nothing of Dakiya) — the PDU codec, the
// byte-stream reader and batching writer, the session state machine, client and server, and the
// delivery receipt text. This file is its public surface; docs/reference/smpp-library.md describes it.
export { COMMAND_IDS, type CommandName, commandName, isResponseId, responseName } from './command-ids.ts';
export { CommandStatus, type CommandStatusName, statusName } from './command-status.ts';
export { TLV_TAGS, type TlvName, type TlvType, type TlvValue, type Tlvs, type KnownTlvs, tlvByTag, hexTagKey } from './tlv-tags.ts';
export type {
  Pdu, PduOf, PduInput,
  BindTransmitter, BindReceiver, BindTransceiver, Bind, BindBody,
  BindTransmitterResp, BindReceiverResp, BindTransceiverResp, BindResp, BindRespBody,
  Outbind, Unbind, UnbindResp, EnquireLink, EnquireLinkResp, GenericNack,
  ShortMessageBody, SubmitSm, SubmitSmResp, DeliverSm, DeliverSmResp,
  SubmitMulti, SubmitMultiResp, MultiDestination, UnsuccessSme,
  DataSm, DataSmResp, QuerySm, QuerySmResp, CancelSm, CancelSmResp, ReplaceSm, ReplaceSmResp, AlertNotification,
} from './pdu.ts';
export { encode, encodeInto, encodedLength } from './pdu-encode.ts';
export { decode, decodeAt } from './pdu-decode.ts';
export { PduReader, DEFAULT_MAX_COMMAND_LENGTH, type PduReaderHandlers, type FrameHeader } from './pdu-reader.ts';
export { PduWriter, type WritableSocket } from './pdu-writer.ts';
export { SmppError, SmppErrorCodes, type SmppErrorCode } from './smpp-errors.ts';
export type { BindKind, SessionState, Role } from './bind-states.ts';
export { SmppSession, type SessionOptions, type BindParams, type BindAccept, type ResponseBody } from './smpp-session.ts';
export { TokenBucket } from './token-bucket.ts';
export { connect, type ConnectOptions } from './smpp-client.ts';
export { createServer, type ServerOptions } from './smpp-server.ts';
export { SMPP_CHANNELS } from './smpp-diagnostics.ts';
export { parseReceiptText, formatReceiptText, parseReceiptDate, formatReceiptDate, type ReceiptText, type ReceiptFields } from './receipt-text.ts';
export { MessageState, type MessageStateName, RECEIPT_STAT } from './message-state.ts';
export { parseSmppTime, formatSmppTime, type SmppTime } from './smpp-time.ts';
