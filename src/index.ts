import { run } from './main.js'

// The bundle's entry, for both the main and the post step: all the work is in run().
void run()
