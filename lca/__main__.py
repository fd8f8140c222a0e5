from lca.cli import main

main()
