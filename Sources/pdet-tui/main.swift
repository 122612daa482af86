// Placeholder until the CLI is written.
print("pdet-tui")
