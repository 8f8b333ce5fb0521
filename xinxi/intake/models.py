"""E-mail intake: messages read from a desk's mailbox and the queue an editor works."""
