"""The demo province: generated people, identifiers and addresses, and how they load."""
