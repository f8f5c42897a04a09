"""One module per `framing` subcommand; each registers its own parser with `register(subparsers)`."""
