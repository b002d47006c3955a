enum PlaceholderSimulatedSite {}
