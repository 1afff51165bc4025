"""Notifications: deliveries (e-mail, in-app inbox, webhook), templates, the scheduler."""
