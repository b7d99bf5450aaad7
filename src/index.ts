#!/usr/bin/env node
import { run } from './main.js'
import { commandLineHelp, wantsHelp } from './host/cli.js'

// The bundle's entry: the GitHub main and post steps, the GitLab component's job, and the
// command line (the npm package's bin). All the work is in run().
if (wantsHelp(process.argv.slice(2))) process.stdout.write(commandLineHelp())
else void run()
