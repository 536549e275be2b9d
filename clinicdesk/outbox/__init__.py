"""The durable outbox: every e-mail the app decides to send, kept until it is delivered."""
