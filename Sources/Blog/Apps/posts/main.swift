print("posts: not built yet")
