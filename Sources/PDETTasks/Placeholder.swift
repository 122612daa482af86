// PDETTasks: placeholder until its module is written.
