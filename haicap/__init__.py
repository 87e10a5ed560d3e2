"""haicap: digital-government platform for Vietnam's two-tier local government."""
