"""Recognition: award programmes, cycles, nominations, committee review, decisions and the showcase."""
