from embedded.launcher import main

main()
