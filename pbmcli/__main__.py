from pbmcli.cli import main

main()
