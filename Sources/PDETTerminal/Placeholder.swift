// PDETTerminal: placeholder until its module is written.
