print("kubewire: not built yet")
