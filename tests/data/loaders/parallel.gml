graph [
  multigraph 1
  node [ id 0 label "a" ]
  node [ id 1 label "b" ]
  edge [ source 0 target 1 weight 5 capacity 3 type "ROAD" ]
  edge [ source 0 target 1 weight 2 capacity 4 type "RAIL" ]
]
