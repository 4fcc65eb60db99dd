"""Question wording: phrasing templates per intent, written by us, and the style variations applied to them.

Why three sets: training rows use ``TEMPLATES``; the test split uses only the held-out sets, so its accuracy
measures wordings the model never saw. ``HELD_OUT`` is the set held out since the first data release; its
failures were read while the second, much wider training set was written, so ``FRESH`` adds held-out wordings
written together with that training set, before any model had answered them: the training phrasings owe
nothing to how a model did on them. ``finetune.data.splits`` gives
each template its id and split; the test rows name their set (``held_out`` or ``fresh``).

Why alternatives: a training template may contain ``[a|b|c]``, and each use picks one alternative (an empty one
drops the words), so one line covers the synonyms a user reaches for ("links", "edges", "connections") and the
model learns the intent rather than one sentence. Held-out templates have no alternatives: they are sentences.

Why styles are separate: styles (terse, chatty, misspelled, upper-case) vary every template in train and test.

Slots: ``{a}``, ``{b}`` nodes; ``{k}`` a hop count; ``{label}``/``{labels}`` a node label and its plural;
``{rel}`` a relationship type; ``{prop}``/``{value}`` a node property and value; ``{measure}`` a centrality
measure; ``{x}`` a missing node.
"""

from __future__ import annotations

import itertools
import random
import re

from finetune.data.names import misspell

TEMPLATES: dict[str, tuple[str, ...]] = {
    "count_nodes": (
        "How many nodes are in the graph?", "How many nodes does this graph have?", "node count?",
        "Count the vertices.", "How many [vertices|nodes|points] [are there|exist] [in total|altogether|]?",
        "Number of [nodes|vertices]?", "What's the [node|vertex] count?",
        "[Tell me|Give me] the [count|total] of [nodes|vertices].", "Total [nodes|vertices]?",
        "Count all the nodes[ please| for me|].", "How many nodes [do we have|have we got|are stored]?",
        "What is the size of the node set?", "How many [vertices|nodes] does the [network|data] [hold|contain]?",
        "nodes: how many?", "Can you count the nodes?",
    ),
    "count_edges": (
        "How many edges are there?", "How many edges does the graph have?", "edge count?",
        "Count the links in this graph.", "How many [links|relationships|connections] are there[ in total| overall|]?",
        "Number of [edges|links]?", "What's the [edge|link] count?",
        "[Tell me|Give me] the [count|total] of [edges|links].", "Total [edges|links|relationships]?",
        "Count every [edge|link][ please| for me|].",
        "How many [edges|links] does [this network|the data] [hold|have]?",
        "How many [lines|arcs] does the graph have?", "What is the size of the edge set?",
        "edges: how many?", "Can you count the [edges|connections] in the graph?",
    ),
    "count_label": (
        "How many {labels} are there?", "Count the {label} nodes.", "number of {labels}?",
        "How many nodes have the label {label}?", "How many {label} nodes [exist|are stored|are in the database]?",
        "What is the number of {labels}?", "[Tell me|Give me] the count of {label} nodes.",
        "Count the {labels}[ please| for me|].", "How many {labels} [do we have|are in the data|exist]?",
        "Total {labels}?", "{label} count?", "How many nodes carry the {label} label?",
        "How many {labels} are [recorded|listed] [here|in the graph]?",
    ),
    "count_rel": (
        "How many {rel} relationships are there?", "Count the {rel} edges.", "number of {rel} links?",
        "How many {rel} [edges|links|connections] [exist|are there|are in the graph]?",
        "What is the number of {rel} relationships?", "[Tell me|Give me] the count of {rel} [relationships|edges].",
        "Total {rel} relationships?", "{rel} count?", "How often does the relationship {rel} occur?",
        "How many relationships of type {rel} [are there|exist]?", "Count the {rel} links[ please| for me|].",
    ),
    "degree": (
        "What is the degree of {a}?", "How many neighbours does {a} have?", "degree of {a}?",
        "How many edges touch {a}?", "How many [links|edges|neighbors] does {a} have?",
        "Number of [connections|links|neighbours|edges] of {a}?",
        "How many nodes is {a} [connected|linked|attached] to?",
        "What's the degree of [node |]{a}?", "{a}: how many [neighbours|links|connections]?",
        "[Tell me|Give me] the degree of {a}.", "How many edges [meet at|are incident to|go through] {a}?",
        "Count the [edges|links|connections] of {a}.", "How many other nodes share an edge with {a}?",
        "To how many nodes is {a} [connected|linked]?", "What is {a}'s degree?",
        "How many [connections|links] [meet at|run to] {a}?", "[Degree|Connection count] for {a}?",
    ),
    "out_degree": (
        "How many edges leave {a}?", "What is the out-degree of {a}?", "out degree {a}?",
        "How many [edges|links|arrows] [go out of|start at|come out of|point away from] {a}?",
        "Number of [outgoing|outbound] [edges|links] of {a}?", "What is {a}'s out-degree?",
        "Count the [edges|links] leaving {a}.", "How many [edges|links] does {a} send out?", "outdegree of {a}?",
        "How many successors does {a} have?", "[Tell me|Give me] the out-degree of {a}.",
    ),
    "in_degree": (
        "How many edges point into {a}?", "What is the in-degree of {a}?", "in degree of {a}?",
        "How many [edges|links|arrows] [come into|arrive at|end at|lead to|point at] {a}?",
        "Number of [incoming|inbound] [edges|links] of {a}?", "What is {a}'s in-degree?",
        "Count the [edges|links] entering {a}.", "How many predecessors does {a} have?", "indegree of {a}?",
        "How many [edges|links] does {a} receive?", "[Tell me|Give me] the in-degree of {a}.",
    ),
    "neighbors": (
        "What are the neighbours of {a}?", "Which nodes are adjacent to {a}?", "neighbors of {a}?",
        "List the nodes connected to {a}.", "[Which|What] nodes [are linked to|touch|share an edge with] {a}?",
        "[Show|List|Give] me the [neighbors|neighbours] of {a}.", "Who are {a}'s [neighbours|neighbors]?",
        "What is [next to|adjacent to|attached to] {a}?", "{a}'s [neighbours|neighbors]?",
        "Which nodes is {a} [linked|joined|connected] to?", "Name every node [adjacent to|connected to] {a}.",
        "Adjacent nodes of {a}?", "Which nodes [neighbour|neighbor] {a}?", "Who are the direct neighbours of {a}?",
        "What are {a}'s [connections|links]?",
    ),
    "successors": (
        "Which nodes does {a} point to?", "What are the successors of {a}?", "out-neighbours of {a}?",
        "[Which|What] nodes [follow|come after] {a}?", "Where can I go from {a} in one step?",
        "List the [successors|out-neighbors|direct successors] of {a}.", "What does {a} [lead|link|point] to?",
        "Which nodes [receive|get] an edge from {a}?", "Direct successors of {a}?", "Who does {a} point at?",
        "[Show|Give] me the nodes that {a} has edges to.", "Targets of the edges out of {a}?",
    ),
    "has_path": (
        "Is there a path from {a} to {b}?", "Can {a} reach {b}?", "path {a} to {b}?",
        "Is {b} reachable from {a}?", "Does a path exist from {a} to {b}?",
        "Is it possible to [go|travel] from {a} to {b}?", "Can you reach {b} starting from {a}?",
        "Is {b} [accessible|reachable] from {a}?", "Is there any way to [go|travel] from {a} to {b}?",
        "Can {b} be reached from {a}?", "Are {a} and {b} joined by a path?",
        "Yes or no: is there a path [from {a} to {b}|between {a} and {b}]?", "Is {a} able to reach {b}?",
        "Do the edges take me from {a} to {b}?", "Reachable: {a} to {b}?",
    ),
    "shortest_path": (
        "What is the shortest path from {a} to {b}?", "Find the shortest route between {a} and {b}.",
        "shortest path {a} to {b}?", "How do I get from {a} to {b} in the fewest steps?",
        "[Show|Give] me the shortest [path|route] [from {a} to {b}|between {a} and {b}].",
        "What is the [fewest-hop|minimum-hop|shortest] path between {a} and {b}?",
        "How can I reach {b} from {a} with the fewest [edges|hops|steps]?",
        "[Find|Compute] a shortest path from {a} to {b}.", "Route from {a} to {b} with the least hops?",
        "What is the most direct path from {a} to {b}?", "Path with the fewest edges from {a} to {b}?",
        "Shortest [route|path] from {a} to {b}, please.", "Which nodes lie on a shortest path from {a} to {b}?",
    ),
    "weighted_path": (
        "What is the cheapest path from {a} to {b}?", "Find the lightest route from {a} to {b}.",
        "min-weight path {a} to {b}?", "Which route from {a} to {b} has the lowest total?",
        "What is the [lowest-cost|minimum-weight|least-cost] [path|route] from {a} to {b}?",
        "[Find|Give me] the shortest weighted path from {a} to {b}.",
        "Using the edge weights, what is the shortest path from {a} to {b}?",
        "Which path from {a} to {b} has the smallest total weight?",
        "What is the shortest path from {a} to {b} by [weight|cost|distance]?",
        "Cheapest way to [get|go] from {a} to {b}?", "Route from {a} to {b} minimising the total [weight|cost]?",
        "Weighted shortest path between {a} and {b}?",
    ),
    "k_hop": (
        "Which nodes are within {k} hops of {a}?", "What can {a} reach in at most {k} steps?",
        "nodes within {k} hops of {a}?", "List everything at most {k} edges away from {a}.",
        "Which nodes are [no more than|at most|up to] {k} [hops|steps|edges] from {a}?",
        "[Show|Give] me the nodes within {k} [hops|steps] of {a}.", "What lies within {k} hops of {a}?",
        "Everything reachable from {a} in {k} [hops|steps] or fewer?", "{k}-hop [neighbours|neighbors] of {a}?",
        "Who can be reached from {a} within {k} [hops|steps]?",
    ),
    "count_components": (
        "How many connected components are there?", "Is the graph in one piece, or how many parts?",
        "components?", "How many separate pieces does the graph have?",
        "Number of [connected components|components|disconnected parts]?",
        "How many [islands|clusters of connected nodes|disconnected pieces] does the graph split into?",
        "[Tell me|Give me] the number of connected components.",
        "Is the graph connected, and if not, into how many parts?",
        "How many components does [the graph|this network] have?", "Count the [components|separate parts].",
    ),
    "component_of": (
        "Which nodes are in the same component as {a}?", "What is connected to {a}, directly or not?",
        "component of {a}?", "[Which|What] nodes can {a} reach at all?",
        "[Show|List] the connected component of {a}.", "Which nodes belong to {a}'s component?",
        "Everything linked to {a} by some path?", "What part of the graph is {a} in?",
        "Which nodes share a connected component with {a}?",
    ),
    "has_cycle": (
        "Does the graph contain a cycle?", "Is there a cycle?", "cycle?", "Is this graph acyclic?",
        "Are there any cycles[ in the graph| here|]?", "Does the graph have a [cycle|circular path]?",
        "Is the graph free of cycles?", "Can I [go around|walk] in a circle in this graph?", "Any cycles?",
        "Does some path return to where it started?", "Is this a DAG, or does it have a cycle?",
    ),
    "topological_order": (
        "In what order can the tasks run?", "Give a topological order.", "topo sort?",
        "What is a valid order that respects every edge?", "[Sort|Order] the nodes topologically.",
        "[Give|Show] me a topological [sort|ordering] of the nodes.", "Which order satisfies all the dependencies?",
        "In which order should the steps be done?", "topological order?",
        "List the nodes so that each one comes before the nodes it points to.",
    ),
    "is_bipartite": (
        "Is the graph bipartite?", "Can the nodes be split into two groups with edges only between groups?",
        "bipartite?", "Can this graph be two-coloured?", "Is the graph [two-colourable|2-colorable|bipartite]?",
        "Can I colour the nodes with two colours so no edge joins the same colour?",
        "Does the graph split into two sides with no edge inside a side?", "Bipartite or not?",
        "Is it possible to divide the nodes into two independent sets?",
    ),
    "triangles": (
        "How many triangles are there?", "Count the triangles in the graph.", "triangles?",
        "Number of triangles?", "How many triangles does the [graph|network] [have|contain]?",
        "How many [3-cycles|triples of nodes all linked to each other] are there?",
        "[Tell me|Give me] the triangle count.", "How many closed triads exist?", "triangle count?",
    ),
    "diameter": (
        "What is the diameter of the graph?", "What is the longest shortest-path distance?", "diameter?",
        "How wide is the graph, measured as its diameter?", "[Tell me|Give me] the diameter.",
        "What is the greatest distance between any pair of nodes?", "What is the graph's diameter?",
        "Maximum eccentricity of the graph?", "How many hops separate the farthest pair of nodes?",
    ),
    "most_central": (
        "Which node is the most central by {measure}?", "What is the top node by {measure} centrality?",
        "most central node ({measure})?", "Rank by {measure}: which node comes first?",
        "Which node [scores|ranks] highest on {measure} centrality?",
        "[Find|Name] the most central node using {measure}.",
        "By {measure} centrality, which node is [the most important|on top|the most central]?",
        "Top node for {measure}?", "What node has the [largest|biggest] {measure} score?",
    ),
    "max_flow": (
        "What is the maximum flow from {a} to {b}?", "How much can flow from {a} to {b}?",
        "max flow {a} to {b}?", "[Compute|Find] the max flow between {a} and {b}.",
        "What is the greatest amount that can be pushed from {a} to {b}?",
        "Maximum flow [from|between] {a} [to|and] {b}?",
        "How much [capacity|throughput] is there from {a} to {b} in total?",
        "If {a} is the source and {b} the sink, what is the max flow?", "What is the flow value from {a} to {b}?",
    ),
    "min_cut": (
        "What is the minimum cut between {a} and {b}?", "What is the smallest capacity cut separating {a} from {b}?",
        "min cut {a} {b}?", "[Compute|Find] the min cut from {a} to {b}.",
        "What is the capacity of a minimum [cut|s-t cut] [from|between] {a} [to|and] {b}?",
        "What is the cheapest set of edges to remove so {b} is unreachable from {a}?",
        "Minimum cut value for source {a} and sink {b}?", "How small can a cut between {a} and {b} be?",
        "What total capacity [separates|disconnects] {a} from {b} at the least?",
    ),
    "max_matching": (
        "What is the size of a maximum matching?", "How many pairs can be matched with no node used twice?",
        "max matching?", "How large is the biggest matching?", "[Find|Compute] a maximum matching and give its size.",
        "Maximum matching size?", "How many edges can be picked so that no two share a node?",
        "What is the matching number of the graph?", "How many [pairs|couples] can be formed at most?",
    ),
    "hamiltonian_path": (
        "Is there a path that visits every node exactly once?", "Does a Hamiltonian path exist?",
        "hamiltonian path?", "Is there a Hamiltonian path[ in the graph|]?",
        "Can a single path [cover|visit] all the nodes once each?", "Does the graph have a Hamiltonian path?",
        "Is it possible to tour every node exactly once along the edges?",
    ),
    "chain_count": (
        "How many two-step chains are there?", "How many paths of two consecutive edges exist?",
        "count two-edge chains?", "How many [paths of length two|length-2 paths|two-hop chains] are there?",
        "Count the chains of two edges in a row.", "Number of two-edge paths?",
        "How often does one edge follow another?", "How many [x-y-z|three-node] chains exist?",
    ),
    "common_neighbors": (
        "What neighbours do {a} and {b} have in common?", "Which nodes are linked to both {a} and {b}?",
        "common neighbours {a} {b}?", "[Which|What] nodes are [adjacent to|neighbours of] both {a} and {b}?",
        "Shared [neighbours|neighbors] of {a} and {b}?", "[List|Show] the common neighbours of {a} and {b}.",
        "Which neighbours [are shared by|do] {a} and {b}[| share]?", "Mutual neighbours of {a} and {b}?",
    ),
    "jaccard": (
        "What is the Jaccard similarity of {a} and {b}?", "How similar are {a} and {b} by their neighbours?",
        "jaccard {a} {b}?", "[Compute|Give me] the Jaccard [index|coefficient|similarity] of {a} and {b}.",
        "Jaccard [score|index] between {a} and {b}?", "What fraction of their neighbours do {a} and {b} share?",
        "Neighbour similarity of {a} and {b}?",
    ),
    "describe": (
        "Describe the graph.", "What kind of graph is this?", "summary?",
        "[Tell me|What can you tell me] about this graph.",
        "Summarise the [graph|network|data].", "What does this graph look like?", "Overview?",
        "What is in this graph?", "[Give|Show] me a summary of the graph.",
    ),
    "find_by_property": (
        "Which {labels} have {prop} {value}?", "Find every {label} whose {prop} is {value}.",
        "{labels} with {prop}={value}?", "[Show|List|Find] the {labels} with {prop} {value}.",
        "Which {label} nodes have {prop} set to {value}?", "Who has {prop} {value} among the {labels}?",
        "{label} nodes where {prop} is {value}?", "Give me all {labels} having {prop} = {value}.",
        "Search {labels} for {prop} {value}.",
    ),
    "property_of": (
        "What is the {prop} of {a}?", "Tell me the {prop} of {a}.", "{prop} of {a}?",
        "What's {a}'s {prop}?", "[Look up|Find|Get] the {prop} of {a}.", "{a}: {prop}?",
        "Which {prop} is recorded for {a}?", "What value does {a} have for {prop}?",
    ),
    "related_in": (
        "Which nodes have a {rel} relationship to {a}?", "Who is linked to {a} by {rel}?", "{rel} into {a}?",
        "Which nodes point to {a} with {rel}?", "[Show|List] the nodes with a {rel} edge to {a}.",
        "Who has {rel} [pointing at|going to] {a}?", "Incoming {rel} [edges|links] of {a}?",
        "Where do the {rel} edges into {a} come from?", "Which nodes are connected to {a} through an incoming {rel}?",
    ),
    "related_out": (
        "Which nodes does {a} have a {rel} relationship to?", "Where does {a} point with {rel}?",
        "{rel} from {a}?", "[Show|List] the targets of {a}'s {rel} edges.",
        "Which nodes does {a} reach by {rel}?", "Outgoing {rel} [edges|links] of {a}?",
        "To whom does {a} have {rel}?", "What is {a} linked to via {rel}?",
        "Where do the {rel} edges of {a} lead?",
    ),
    "top_neighbors": (
        "What are the neighbours of the node with the highest degree?",
        "Who is connected to the best-connected node?", "neighbours of the top-degree node?",
        "Take the node with the most edges: which nodes are next to it?",
        "List the neighbours of the [highest-degree|busiest|most linked] node.",
        "Which nodes are adjacent to the node of maximum degree?",
    ),
    "compare_degree": (
        "Which has more connections, {a} or {b}?", "Does {a} or {b} have the higher degree?",
        "{a} vs {b}: higher degree?", "Who has more [neighbours|links|edges], {a} or {b}?",
        "Is the degree of {a} bigger than that of {b}?", "Which of {a} and {b} is [better connected|busier]?",
        "[Between|Of] {a} and {b}, which has the larger degree?",
    ),
    "typo_degree": (
        "How many neighbours does {a} have?", "What is the degree of {a}?", "degree of {a}?",
        "How many [links|edges] does {a} have?", "Number of [connections|links|neighbours] of {a}?",
        "{a}: how many [neighbours|links]?", "Count the [edges|connections] of {a}.",
    ),
    "unknown_node": (
        "What are the neighbours of {x}?", "How many edges touch {x}?", "neighbors of {x}?",
        "What is the degree of {x}?", "[Show|List] the nodes connected to {x}.", "Who are {x}'s neighbours?",
        "How many links does {x} have?",
    ),
    "ambiguous_node": (
        "What is the {prop} of {a}?", "Tell me about {a}.", "{prop} of {a}?",
        "What's {a}'s {prop}?", "[Show|Give] me the details of {a}.", "Who is {a}?",
    ),
    "write_refusal": (
        "Delete node {a}.", "Add an edge between {a} and {b}.", "remove {a}", "Please rename {a} to {x}.",
        "Create a new node called {x}.", "[Remove|Delete] the edge between {a} and {b}.", "Set the name of {a} to {x}.",
        "Insert a node {x}.", "Merge {a} into {b}.", "Update {a} please: call it {x}.",
    ),
    "no_tool": (
        "Hello!", "What is the capital of France?", "thanks", "Write me a short poem about rain.",
        "Who are you?", "What time is it?", "[Hi|Hey|Hello] there!", "How's the weather today?",
        "Can you recommend a good book?", "What is two plus two?", "[Thank you|Thanks a lot], that helps.",
        "Translate 'good night' into French.", "Who won the football game yesterday?", "bye",
    ),
}
"""Training phrasings per task (one turn, one intent); ``[a|b]`` picks one alternative per use."""

HELD_OUT: dict[str, tuple[str, ...]] = {
    "count_nodes": ("What is the number of nodes?", "How big is the graph in nodes?"),
    "count_edges": ("What is the total number of edges?",),
    "count_label": ("How many {labels} does the graph contain?",),
    "count_rel": ("How many edges have type {rel}?",),
    "degree": ("How many connections does {a} have?", "How well connected is {a}?"),
    "out_degree": ("How many outgoing edges does {a} have?",),
    "in_degree": ("How many incoming edges does {a} have?",),
    "neighbors": ("Who is directly linked to {a}?", "What does {a} connect to?"),
    "successors": ("Where do the edges from {a} go?",),
    "has_path": ("Can I get from {a} to {b}?", "Does any route lead from {a} to {b}?"),
    "shortest_path": ("Give me the quickest way from {a} to {b}.", "Which path from {a} to {b} uses the fewest hops?"),
    "weighted_path": ("What is the best route from {a} to {b} counting the edge values?",),
    "k_hop": ("What is in the {k}-hop neighbourhood of {a}?",),
    "count_components": ("Count the connected components.",),
    "component_of": ("List the component that contains {a}.",),
    "has_cycle": ("Can you find a loop in the graph?",),
    "topological_order": ("Order the nodes so every edge points forward.",),
    "is_bipartite": ("Is this a bipartite graph?",),
    "triangles": ("How many sets of three mutually linked nodes exist?",),
    "diameter": ("How far apart are the two most distant nodes?",),
    "most_central": ("Who has the highest {measure} centrality?",),
    "max_flow": ("What is the largest flow that can be sent from {a} to {b}?",),
    "min_cut": ("How much capacity must be removed to cut {a} off from {b}?",),
    "max_matching": ("How many disjoint edges can be chosen at most?",),
    "hamiltonian_path": ("Can one walk through all nodes without repeating any?",),
    "chain_count": ("How many times does the pattern a to b to c occur?",),
    "common_neighbors": ("Who do {a} and {b} both connect to?",),
    "jaccard": ("How much do the neighbourhoods of {a} and {b} overlap?",),
    "describe": ("Give me an overview of the graph.",),
    "find_by_property": ("List the {labels} where {prop} equals {value}.",),
    "property_of": ("What {prop} does {a} have?",),
    "related_in": ("List every {rel} edge ending at {a}.",),
    "related_out": ("List every {rel} edge starting at {a}.",),
    "top_neighbors": ("Find the most connected node and list its neighbours.",),
    "compare_degree": ("Compare the degrees of {a} and {b}.",),
    "typo_degree": ("How many connections has {a} got?",),
    "unknown_node": ("Which nodes link to {x}?",),
    "ambiguous_node": ("What do we know about {a}?",),
    "write_refusal": ("Connect {a} to {b} for me.", "Drop every edge of {a}."),
    "no_tool": ("Tell me a joke.", "Good morning, how are you?"),
}
"""Test-only phrasings held out since the first data release (their failures were read; see the module doc)."""

FRESH: dict[str, tuple[str, ...]] = {
    "count_nodes": ("How many distinct nodes appear here?",),
    "count_edges": ("How many pairs of nodes are joined by an edge?",),
    "count_label": ("What is the tally of {label} nodes?",),
    "count_rel": ("Tally the {rel} relationships for me.",),
    "degree": ("How many edges is {a} an endpoint of?",),
    "out_degree": ("From {a}, how many edges head outward?",),
    "in_degree": ("How many nodes send an edge to {a}?",),
    "neighbors": ("Name the nodes one edge away from {a}.",),
    "successors": ("Which nodes are reached from {a} by a single edge?",),
    "has_path": ("Starting at {a}, can {b} be reached by following edges?",),
    "shortest_path": ("Trace a minimal sequence of hops that takes {a} to {b}.",),
    "weighted_path": ("Minimise the summed weights: how do I go from {a} to {b}?",),
    "k_hop": ("Collect the nodes at a distance of {k} or less from {a}.",),
    "count_components": ("Into how many connected pieces does this graph fall?",),
    "component_of": ("Which nodes sit in one connected piece with {a}?",),
    "has_cycle": ("Could I start at a node and come back to it along the edges?",),
    "topological_order": ("Arrange the nodes in dependency order.",),
    "is_bipartite": ("Could the nodes be split into two camps with every edge crossing between them?",),
    "triangles": ("Tally the triangles formed by the edges.",),
    "diameter": ("What is the largest number of hops a shortest route between two nodes needs?",),
    "most_central": ("Among all nodes, whose {measure} centrality is top?",),
    "max_flow": ("What throughput can travel from {a} to {b} at most?",),
    "min_cut": ("Cutting edges to separate {a} from {b}, what is the least total capacity cut?",),
    "max_matching": ("Pair up nodes along edges, each node at most once: how many pairs at best?",),
    "hamiltonian_path": ("Can a route pass through each node exactly one time?",),
    "chain_count": ("How many walks made of two successive edges can be found?",),
    "common_neighbors": ("Which nodes neighbour {a} as well as {b}?",),
    "jaccard": ("Score the overlap of {a}'s and {b}'s neighbour sets with the Jaccard measure.",),
    "describe": ("Characterise this graph for me.",),
    "find_by_property": ("Search the {labels}: which one has {prop} equal to {value}?",),
    "property_of": ("Look into {a} and report its {prop}.",),
    "related_in": ("Which nodes hold a {rel} link that ends at {a}?",),
    "related_out": ("Which nodes does {a} connect to through {rel}?",),
    "top_neighbors": ("Who neighbours the node that has the largest degree?",),
    "compare_degree": ("Between {a} and {b}, whose degree is greater?",),
    "typo_degree": ("How many edges is {a} an endpoint of?",),
    "unknown_node": ("Tell me which nodes border {x}.",),
    "ambiguous_node": ("Describe {a} for me.",),
    "write_refusal": ("Erase {a} from the graph.",),
    "no_tool": ("Recommend a film for tonight.",),
}
"""Test-only phrasings written with the second training set, before any model had answered them."""

FOLLOW_UPS: tuple[str, ...] = (
    "And {new}?", "What about {new}?", "Same question for {new}.", "now {new}?",
)
"""Follow-ups that repeat the previous question with one node changed (training)."""

HELD_OUT_FOLLOW_UPS: tuple[str, ...] = ("How about {new}?", "And for {new}?")
"""Follow-up phrasings only the test split uses."""

STYLES = ("plain", "plain", "plain", "chatty", "misspelled", "upper")
"""Style variations, drawn uniformly (so plain half the time)."""

_CHATTY_OPENERS = ("Hey! ", "Quick question: ", "Hi there, ", "I was wondering: ", "Could you check something? ")
_CHATTY_CLOSERS = ("", "", " Thanks!", " Thank you.", " Cheers.")
_ALTERNATIVES = re.compile(r"\[([^\[\]]*)\]")


def choose_wording(template: str, rng: random.Random) -> str:
    """``template`` with each ``[a|b|...]`` replaced by one alternative drawn from ``rng`` (no draw without one)."""
    return _tidy(_ALTERNATIVES.sub(lambda m: rng.choice(m.group(1).split("|")), template))


def every_wording(template: str) -> list[str]:
    """All the sentences ``template`` can become (for checks that no training wording is a held-out one)."""
    parts = _ALTERNATIVES.split(template)
    options = [[part] if i % 2 == 0 else part.split("|") for i, part in enumerate(parts)]
    return [_tidy("".join(choice)) for choice in itertools.product(*options)]


def _tidy(text: str) -> str:
    """Collapse the spaces an empty alternative leaves, and any before punctuation."""
    return re.sub(r"\s+([?.,!:])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()


def apply_style(question: str, style: str, protected: list[str], rng: random.Random) -> str:
    """``question`` in ``style``; ``protected`` strings (node names, values) are never misspelled."""
    if style == "plain":
        return question
    if style == "upper":
        return question.upper()
    if style == "chatty":
        starts_with_name = any(question.startswith(str(p)) for p in protected)
        body = question if starts_with_name else question[:1].lower() + question[1:]
        return rng.choice(_CHATTY_OPENERS) + body + rng.choice(_CHATTY_CLOSERS)
    if style == "misspelled":
        words = [m for m in re.finditer(r"[A-Za-z]{5,}", question)
                 if not any(m.group(0) in str(p) for p in protected)]
        if not words:
            return question
        m = rng.choice(words)
        return question[: m.start()] + misspell(m.group(0), rng) + question[m.end():]
    raise ValueError(f"unknown style {style!r}")
