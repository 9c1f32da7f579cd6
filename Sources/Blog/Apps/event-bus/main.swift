print("event-bus: not built yet")
