// PDETIO: placeholder until its module is written.
