"""The outbound feed of dossier statuses to the national public-service portal."""
