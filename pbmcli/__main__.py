from pbmcli.entry import main

main()
