#if canImport(Glibc)
import Glibc
#endif
import Daemon

exit(CommandLineTool.main(CommandLine.arguments))
