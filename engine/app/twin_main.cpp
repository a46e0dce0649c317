#include "twin/app/Cli.h"

int main(int argc, char** argv) { return twin::app::runCli(argc, argv); }
