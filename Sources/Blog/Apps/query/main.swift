print("query: not built yet")
