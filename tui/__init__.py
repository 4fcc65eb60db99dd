"""User interfaces: the command line (`graph-agent ...`) and, later, the Textual chat app."""
