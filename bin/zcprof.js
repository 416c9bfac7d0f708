#!/usr/bin/env node
// The `zcprof` command: the built CLI bundle (npm install builds it).
require('../out/main/cli.js')
