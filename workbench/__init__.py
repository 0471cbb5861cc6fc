"""The home page (workbench): one section per role the user holds, read from the domain
apps' scoped selectors. It sits above them all, so accounts needs to read none."""
