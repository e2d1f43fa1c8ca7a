// The `roomchat` command: reads the arguments and runs one of the terminal
// client's commands (placeholder until the commands land).
process.exitCode = 0;
