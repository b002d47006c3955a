// The Alerts module; see Package.swift for what it is for.
