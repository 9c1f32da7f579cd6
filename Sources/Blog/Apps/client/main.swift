print("client: not built yet")
