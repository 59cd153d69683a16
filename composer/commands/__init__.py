"""One module per subcommand; `composer.cli` only wires them together."""
