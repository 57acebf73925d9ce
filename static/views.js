/* Filled in by the view-counting work. */
