"""The chat channels' writes: inbound (the webhooks' messages, handled by the worker), conversation
(the guided steps), outbound (messages to chats, sent in order with retries), erasure."""
