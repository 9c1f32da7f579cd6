print("comments: not built yet")
