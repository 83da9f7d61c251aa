"""What every HTTP service of ours shares: the app factory (loopback, bearer token, signed
URLs, Host check, body cap, typed JSON errors) and its dependencies."""
