"""What the three Zirkel services share: settings, database, messaging, event contracts, auth."""
