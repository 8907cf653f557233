// verity-host: the native-messaging host. All logic lives in the modules (protocol/host_cli.h).
#include "protocol/host_cli.h"

int main(int argc, char** argv) { return verity::protocol::HostMain(argc, argv); }
