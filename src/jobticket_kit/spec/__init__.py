"""Everything the kit does with the API description: validate, diff, update, generate, read its surface."""
