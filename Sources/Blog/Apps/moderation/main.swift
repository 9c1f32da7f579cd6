print("moderation: not built yet")
