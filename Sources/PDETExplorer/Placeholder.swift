// PDETExplorer: placeholder until its module is written.
