"""Community: accounts (sign-up, sessions, API tokens, a forgotten password), what readers
contribute (upvotes, comments, collections) and what moderators may do.
May import: the shared modules, library and mail (the password-reset mail)."""
