enum PlaceholderProbing {}
