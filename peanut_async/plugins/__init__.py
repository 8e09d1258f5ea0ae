"""The built-in plugins: calendar, decisions and values."""
