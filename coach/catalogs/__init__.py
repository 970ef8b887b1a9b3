"""Message catalogs of the features, merged into coach.messages.CATALOGS."""
