/** The only outbound event (docs/API.md): every other event is customer-initiated. */
export const OUTBOUND_EVENT = 'message_sent';
/** A preferred channel is read from the customer-initiated events of the last PREFERRED_CHANNEL_DAYS days. */
export const PREFERRED_CHANNEL_DAYS = 180;
