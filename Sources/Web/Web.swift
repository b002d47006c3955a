// The Web module; see Package.swift for what it is for.
