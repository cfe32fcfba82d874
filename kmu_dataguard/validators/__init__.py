"""Custom Great Expectations expectations for master data (IBAN, VAT ID, ...)."""
