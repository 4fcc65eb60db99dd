"""Question wording: phrasing templates per intent, written by us, and the style variations applied to them.

Why several sets: training rows use ``TEMPLATES``; the test split uses only the held-out sets, so its accuracy
measures wordings the model never saw. ``HELD_OUT`` is the set held out since the first data release; its
failures were read while the second, much wider training wave was written, so ``FRESH`` adds held-out wordings
written together with that wave, before any model had answered them. The third training wave was written after
the ``held_out`` and ``fresh`` failures had been read (directions, hop sequences, weights, counting patterns), so
those two sets no longer measure unseen wordings cleanly for a model trained on it; ``WAVE3`` holds wordings
written together with the third wave, before any model had answered them. The fourth wave was written after all
three sets' failures had been read (types of relationships, "both", overlap, hop radii, comparisons); ``WAVE4``
holds wordings written with it, before any model had answered them. ``finetune.data.splits`` gives each
template its id and split; the test rows name their set (``held_out``, ``fresh``, ``wave3`` or ``wave4``).

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

_FIRST_WAVES: dict[str, tuple[str, ...]] = {
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
"""The first two training waves (see the module doc)."""

_THIRD_WAVE: dict[str, tuple[str, ...]] = {
    "count_nodes": (
        "I need the number of nodes in this graph.", "How many [entities|items|elements] does the graph [have|hold]?",
        "Report the node total.", "Nodes in total: how many?", "Could you tell me how many nodes there are?",
    ),
    "count_edges": (
        "I need the number of edges in this graph.", "Report the edge total.",
        "How many [connections|links] exist between the nodes?", "Edges in total: how many?",
        "Could you tell me how many edges there are?",
    ),
    "count_label": (
        "I need the number of {label} nodes.", "Report how many {labels} [there are|are stored].",
        "{labels}: how many?", "Could you count the nodes labelled {label}?",
    ),
    "count_rel": (
        "I need the number of {rel} relationships.", "Report how many {rel} [edges|relationships] exist.",
        "{rel} relationships: how many?", "Could you count the edges of type {rel}?",
    ),
    "degree": (
        "I need the degree of {a}.", "Report the number of [edges|links] at {a}.",
        "How many [edges|links] [end|meet] at {a}, in any direction?", "{a} has how many [edges|neighbours]?",
        "Could you tell me how many [nodes|neighbours] {a} [touches|is adjacent to]?",
    ),
    "out_degree": (
        "I need the out-degree of {a}.", "How many [edges|links] [begin|originate] at {a}?",
        "Report the number of edges that {a} [sends|emits].", "{a}: how many outgoing [edges|links]?",
        "Could you count the arrows [starting|leaving] from {a}?",
    ),
    "in_degree": (
        "I need the in-degree of {a}.", "How many [edges|links] [terminate|finish] at {a}?",
        "Report the number of edges that {a} [gets|takes in].", "{a}: how many incoming [edges|links]?",
        "Could you count the arrows [arriving at|pointing to] {a}?", "From how many nodes does an edge reach {a}?",
    ),
    "neighbors": (
        "I need the neighbours of {a}.", "Report every node [bordering|beside] {a}.",
        "Which nodes sit right next to {a}?", "Could you list who is adjacent to {a}?",
        "{a}: which nodes are its [neighbours|immediate neighbours]?",
    ),
    "successors": (
        "I need the successors of {a}.", "Which nodes do the [outgoing|outbound] edges of {a} [reach|hit]?",
        "Report the nodes [directly after|one step downstream of] {a}.", "Could you list what {a} points at?",
        "{a}: which nodes does it [feed|send edges] into?",
    ),
    "has_path": (
        "Is {b} [connected to|reachable from] {a} by some route?", "Could I walk from {a} to {b} along the edges?",
        "Check whether {a} can reach {b}.", "Does {a} have a route to {b}?", "{a} to {b}: reachable or not?",
    ),
    "shortest_path": (
        "I need the shortest path from {a} to {b}.", "Plot the [quickest|shortest|briefest] route from {a} to {b}.",
        "Which [nodes|stops] do I pass through on the shortest way from {a} to {b}?",
        "List the hops of a shortest path from {a} to {b}.", "Could you find the shortest [path|route] {a} -> {b}?",
        "Get me from {a} to {b} in as few [hops|edges|moves] as possible.",
        "Show the sequence of nodes on a [shortest|fewest-hop] route from {a} to {b}.",
        "What is the quickest way to [get|travel] from {a} to {b}?",
    ),
    "weighted_path": (
        "I need the cheapest route from {a} to {b}.", "Which route from {a} to {b} costs the least in total?",
        "Find the path from {a} to {b} with the smallest [sum of weights|total cost|total length].",
        "Shortest path from {a} to {b}, [adding up|summing] the edge [weights|costs]?",
        "Could you find the [least expensive|lowest-weight] way from {a} to {b}?",
        "Taking [weights|costs|distances] into account, how do I best get from {a} to {b}?",
        "What is the minimum-cost route {a} -> {b}?",
    ),
    "k_hop": (
        "I need every node within {k} hops of {a}.",
        "Which nodes are [reachable|found] in {k} [steps|hops] or less from {a}?",
        "Report the neighbourhood of {a} up to distance {k}.",
        "Could you list the nodes at most {k} [steps|edges] away from {a}?",
        "{a}: what is within {k} hops?",
    ),
    "count_components": (
        "I need the number of connected components.", "Report how many [separate|disconnected] parts the graph has.",
        "How many pieces is the graph [split|broken] into?", "Could you work out how many connected components exist?",
    ),
    "component_of": (
        "I need the connected component of {a}.", "Report every node that {a} is connected to by some path.",
        "Which nodes are in {a}'s [piece|part] of the graph?", "Could you list the component {a} belongs to?",
    ),
    "has_cycle": (
        "I need to know whether the graph has a cycle.", "Report whether [any|a] cycle exists.",
        "Does any route [loop back|lead back] to its start?", "Could you check the graph for cycles?",
        "Is the graph cyclic?",
    ),
    "topological_order": (
        "I need a topological order of the nodes.",
        "Report an order in which every edge goes [forward|from earlier to later].",
        "Could you sort the nodes so that dependencies come first?",
        "Which order of the nodes respects all the arrows?",
    ),
    "is_bipartite": (
        "I need to know whether the graph is bipartite.",
        "Report whether the nodes form two sides with edges only across.",
        "Could you check if the graph is bipartite?", "Do the nodes split into two groups with no edge within a group?",
    ),
    "triangles": (
        "I need the number of triangles.", "Report how many triangles the edges [form|make].",
        "How many [3-cliques|triangles|closed triangles] [are in|does] the graph[| contain]?",
        "Could you count [every triangle|the triangles] in [the graph|this network]?",
        "How many groups of three nodes are [all|pairwise] connected?", "triangles: how many?",
        "Count [each|every] [triangle|three-node cycle] in the graph.",
    ),
    "diameter": (
        "I need the diameter of the graph.", "Report the longest of all shortest-path distances.",
        "Could you compute the graph's diameter?", "What is the maximum distance between two nodes, in hops?",
    ),
    "most_central": (
        "I need the most central node by {measure}.", "Report the node with the top {measure} centrality.",
        "Could you find the node that ranks first by {measure}?", "{measure} centrality: which node is highest?",
    ),
    "max_flow": (
        "I need the maximum flow from {a} to {b}.", "Report how much can be [sent|shipped|moved] from {a} to {b}.",
        "Could you compute the max flow with source {a} and sink {b}?",
        "What is the most that can [travel|pass] from {a} to {b}?",
        "{a} to {b}: maximum flow?",
    ),
    "min_cut": (
        "I need the minimum cut with source {a} and sink {b}.",
        "Report the least capacity that must be cut to block {a} from {b}.",
        "Could you find the min cut from {a} to {b}?", "What is the smallest cut that stops all flow from {a} to {b}?",
        "Which edges, at least total capacity, cut every path from {a} to {b}?", "{a} to {b}: minimum cut?",
    ),
    "max_matching": (
        "I need the size of a maximum matching.", "Report how many edges a maximum matching has.",
        "Could you compute the largest matching?", "How many node pairs can be joined at most, each node used once?",
        "What is the largest set of edges with no shared endpoint?", "matching size?",
        "At most how many [pairs|couples] can be made along edges, nobody paired twice?",
    ),
    "hamiltonian_path": (
        "I need to know whether a Hamiltonian path exists.", "Report whether one path can visit every node once.",
        "Could you check for a path through all nodes, each exactly once?",
        "Can I visit every node once in a single path?",
    ),
    "chain_count": (
        "I need the number of two-edge chains.", "Report how many paths of length two [exist|there are].",
        "Could you count the chains of two [consecutive|successive] edges?",
        "How many [two-step|two-hop] paths does the graph have?",
        "Count the [patterns|paths] x -> y -> z.", "How many times is one edge followed by another?",
        "How many [sequences|chains] of two edges [in a row|back to back] are there?",
    ),
    "common_neighbors": (
        "I need the common neighbours of {a} and {b}.", "Report the nodes adjacent to both {a} and {b}.",
        "Could you find who neighbours both {a} and {b}?", "{a} and {b}: which neighbours do they share?",
    ),
    "jaccard": (
        "I need the Jaccard similarity of {a} and {b}.", "Report the Jaccard [index|coefficient] for {a} and {b}.",
        "Could you compute how much {a} and {b} share their neighbours, as a Jaccard score?", "{a} and {b}: Jaccard?",
    ),
    "describe": (
        "I need a description of this graph.", "Report the main facts about the graph.",
        "Could you describe [the graph|this network]?", "What does the data look like overall?",
    ),
    "find_by_property": (
        "I need the {labels} whose {prop} is {value}.", "Report every {label} with {prop} {value}.",
        "Could you find the {labels} that have {prop} {value}?", "{prop} {value}: which {labels}?",
    ),
    "property_of": (
        "I need the {prop} of {a}.", "Report {a}'s {prop}.", "Could you look up {a}'s {prop}?",
        "What does the {prop} field say for {a}?",
    ),
    "related_in": (
        "I need the nodes with a {rel} edge [into|pointing to] {a}.",
        "Report who has a {rel} relationship towards {a}.",
        "Which nodes are the sources of the {rel} edges [arriving at|coming into|that reach] {a}?",
        "Could you list the nodes whose {rel} [edge|link] [targets|points to] {a}?",
        "{a} is the target of {rel} from which nodes?", "Whose {rel} [edges|links] [land on|arrive at] {a}?",
        "Who [points|links] to {a} via {rel}?", "Which nodes send a {rel} [edge|relationship] to {a}?",
    ),
    "related_out": (
        "I need the nodes that {a} has a {rel} edge to.", "Report where {a}'s {rel} relationships [point|go].",
        "Which nodes are the targets of the {rel} edges [leaving|coming out of|sent by] {a}?",
        "Could you list the nodes that {a}'s {rel} [edge|link] points to?",
        "{a} is the source of {rel} to which nodes?", "Where do {a}'s {rel} [edges|links] [land|arrive]?",
        "Which nodes does {a} send a {rel} [edge|relationship] to?",
    ),
    "top_neighbors": (
        "I need the neighbours of the node with the most edges.",
        "Find the highest-degree node, then list its neighbours.",
        "Could you list who is adjacent to the [busiest|best-connected] node?",
        "Which nodes touch the node that has the [most links|highest degree]?",
    ),
    "compare_degree": (
        "I need to know whether {a} or {b} has the higher degree.",
        "Report which of {a} and {b} has more [edges|links].",
        "Could you compare how many neighbours {a} and {b} have?", "{a} or {b}: which has more connections?",
    ),
    "typo_degree": (
        "I need the degree of {a}.", "Could you tell me how many [edges|neighbours] {a} has?",
        "{a} has how many [links|edges]?",
    ),
    "unknown_node": (
        "I need the degree of {x}.", "Could you list the neighbours of {x}?", "Which nodes are adjacent to {x}?",
    ),
    "ambiguous_node": (
        "I need the {prop} of {a}.", "Could you tell me about {a}?", "Report what is known about {a}.",
    ),
    "write_refusal": (
        "I need node {a} deleted.", "Could you add a node named {x}?", "Link {a} and {b} with a new edge.",
        "Change the name of {a} to {x}.",
    ),
    "no_tool": (
        "Good evening!", "Could you help me write an email?", "What is the meaning of life?",
        "I need a recipe for pancakes.", "How tall is Mount Everest?",
    ),
}
"""The third training wave, written after reading the test split's failures (see ``WAVE3``)."""

_FOURTH_WAVE: dict[str, tuple[str, ...]] = {
    "count_nodes": ("How many nodes make up the [graph|network]?", "What does the node tally come to?"),
    "count_edges": (
        "How many [node pairs|pairs of nodes] [share|have] an edge?", "How many [edges|links] [are there|exist] "
        "[between the nodes|in the whole graph|across the graph]?", "What does the edge tally come to?",
        "How many [adjacent pairs|linked pairs] does the graph have?",
        "Give me the number of [edges|links], all of them.",
    ),
    "count_label": ("How many nodes [are labelled|carry the label] {label}?", "What does the {label} tally come to?"),
    "count_rel": (
        "Of the [edges|relationships], how many are {rel}?", "How many [edges|links] carry the type {rel}?",
        "Edges with type {rel}: how many?", "How many [edges|relationships] [have the|use the|are labelled] {rel} "
        "[type|label]?", "What does the {rel} tally come to?", "How many {rel}-typed [edges|relationships] are there?",
        "Among all relationships, how many are {rel}?",
    ),
    "degree": ("How many [edges|links] does {a} have[ in total|]?", "What is the number of neighbours of {a}?"),
    "in_degree": ("How many [edges|links] [arrive|come in] at {a}?", "What is the count of edges ending at {a}?"),
    "out_degree": ("How many [edges|links] leave {a}?", "What is the count of edges starting at {a}?"),
    "neighbors": ("Which nodes is {a} [joined|linked] to by one edge?", "Who are {a}'s direct neighbours?"),
    "shortest_path": (
        "Which route from {a} to {b} takes the [fewest|least number of] [hops|edges]?",
        "Give me a [fastest|shortest] [path|route|way] from {a} to {b}.",
        "How would I go from {a} to {b} in as few hops as possible?",
    ),
    "k_hop": (
        "Which nodes are no farther than {k} [hops|edges|steps] from {a}?", "Nodes at distance {k} or less from {a}?",
        "Gather [every node|all nodes] within {k} [hops|edges] of {a}.", "Within a radius of {k} hops around {a}, "
        "which nodes are there?", "Which nodes lie in the {k}-hop neighbourhood of {a}?",
        "Starting from {a}, which nodes can be reached in no more than {k} [hops|edges]?",
    ),
    "component_of": (
        "Which nodes [are in|belong to] the [same|one] connected [piece|part|component] as {a}?",
        "[List|Show] every node in {a}'s connected component.", "Which nodes can {a} get to by some path, ignoring "
        "[edge direction|which way the edges point]?", "Give me the whole component that {a} sits in.",
        "Who is in {a}'s [group|cluster] of connected nodes?",
    ),
    "triangles": (
        "How many [sets|groups|trios] of three nodes are all linked to each other?",
        "How many three-node [loops|cliques|cycles] [does the graph have|are there]?",
    ),
    "diameter": (
        "What separates the two [farthest|most distant] nodes, in hops?", "What is the greatest shortest-path "
        "distance in the graph?", "How many hops [apart|away from each other] are the two nodes farthest apart?",
        "What is the longest distance between two nodes, counting hops?",
    ),
    "min_cut": (
        "How much capacity [has to|must] be [removed|cut] to [separate|disconnect] {a} from {b}?",
        "What is the least capacity to cut so that nothing flows from {a} to {b}?",
        "What does it cost at least, in capacity, to cut {b} off from {a}?",
    ),
    "max_matching": (
        "At most, how many [disjoint|non-touching] edges can be [picked|selected]?",
        "How many edges can I choose with no node [used|appearing] twice?",
        "What is the most pairs I can form along edges, each node in one pair at most?",
    ),
    "chain_count": (
        "[Count|Tell me] how often [a -> b -> c|x -> y -> z] [occurs|appears] as a pattern.",
        "How many [two-edge|two-step|length-2] patterns [occur|are found] in the graph?",
        "Count the [occurrences|matches] of the pattern [a->b->c|x->y->z].",
        "How many paths of [exactly|] two edges are there?",
    ),
    "common_neighbors": (
        "[Name|List] every node that {a} and {b} are both [connected|linked] to.", "Which nodes do {a} and {b} both "
        "[touch|link to|have as neighbours]?", "Which neighbours [of {a} are also|does {a} have that are also] "
        "neighbours of {b}?", "Find the nodes next to both {a} and {b}.",
    ),
    "jaccard": (
        "How much do {a}'s and {b}'s neighbourhoods overlap?", "To what degree do {a} and {b} have the same "
        "neighbours?", "What is the overlap between the neighbours of {a} and {b}, as a Jaccard score?",
        "Jaccard similarity between {a} and {b}: what is it?",
    ),
    "property_of": (
        "What {prop} is [listed|given] for {a}?",
        "{a} has which {prop}?",
        "What is recorded as {a}'s {prop}?",
        "Which {prop} belongs to {a}?",
        "Tell me {a}'s {prop} value.",
    ),
    "related_in": (
        "[Show|Give me] [all|the] {rel} [edges|relationships] [that end|arriving] at {a}.",
        "Which {rel} edges end at {a}, and from where?", "Which nodes have a {rel} edge that ends at {a}?",
    ),
    "related_out": (
        "[Show|Give me] [all|the] {rel} [edges|relationships] [that start at|leaving] {a}.",
        "Which {rel} edges start at {a}, and where do they go?", "Which nodes does a {rel} edge from {a} end at?",
    ),
    "compare_degree": (
        "Compare {a} and {b} by [degree|number of neighbours].", "Does {a} have more [neighbours|edges] than {b}?",
        "Is {a} [more|less] connected than {b}?", "Between {a} and {b}, which node has [more|the most] [edges|links]?",
        "Which is better connected: {a} or {b}?", "Has {b} got more links than {a}?",
    ),
}
"""The fourth training wave, written after the ``held_out``, ``fresh`` and ``wave3`` failures of the shipped
adapter had been read (see ``WAVE4``)."""

TEMPLATES: dict[str, tuple[str, ...]] = {
    task: texts + _THIRD_WAVE.get(task, ()) + _FOURTH_WAVE.get(task, ()) for task, texts in _FIRST_WAVES.items()
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

WAVE3: dict[str, tuple[str, ...]] = {
    "count_nodes": ("What's the population of nodes in this graph?",),
    "count_edges": ("How many edges link the nodes together, all told?",),
    "count_label": ("Of all nodes, how many are {labels}?",),
    "count_rel": ("What number of {rel} relationships does the data hold?",),
    "degree": ("What number of edges does {a} take part in?",),
    "out_degree": ("Out of {a}, how many edges depart?",),
    "in_degree": ("How many edges does {a} have coming in?",),
    "neighbors": ("Which nodes does {a} share an edge with directly?",),
    "successors": ("Following one outgoing edge from {a}, where can I land?",),
    "has_path": ("Is {b} connected by a route that starts at {a}?",),
    "shortest_path": ("Map out the fewest-edge route between {a} and {b}.",),
    "weighted_path": ("Adding up edge weights, which route from {a} to {b} is lightest?",),
    "k_hop": ("Everything no farther than {k} edges from {a}: what is it?",),
    "count_components": ("What number of disconnected parts make up this graph?",),
    "component_of": ("Which nodes can {a} get to by any path at all, in either direction?",),
    "has_cycle": ("Is there a closed loop somewhere in the graph?",),
    "topological_order": ("Put the nodes in an order where each edge runs from earlier to later.",),
    "is_bipartite": ("Could every node be coloured red or blue so that no edge joins two nodes of one colour?",),
    "triangles": ("What is the number of three-node cliques in the graph?",),
    "diameter": ("Between the two nodes farthest apart, how many hops does the shortest route take?",),
    "most_central": ("Which node tops the ranking for {measure} centrality?",),
    "max_flow": ("Treating {a} as source and {b} as sink, what is the biggest possible flow?",),
    "min_cut": ("Find the smallest total capacity of edges whose removal leaves {b} unreachable from {a}.",),
    "max_matching": ("What is the biggest number of edges I can select with no two touching the same node?",),
    "hamiltonian_path": ("Is there a route that touches every node one time and never revisits?",),
    "chain_count": ("How many length-two paths, edge then edge, does the graph contain?",),
    "common_neighbors": ("Name the nodes that {a} and {b} are both adjacent to.",),
    "jaccard": ("What is the Jaccard coefficient for the neighbourhoods of {a} and {b}?",),
    "describe": ("Sum up what this graph is like.",),
    "find_by_property": ("Which {label} entries have {value} as their {prop}?",),
    "property_of": ("For {a}, what is the recorded {prop}?",),
    "related_in": ("Which nodes have a {rel} arrow pointing at {a}?",),
    "related_out": ("Which nodes does {a} have a {rel} arrow pointing at?",),
    "top_neighbors": ("Look up the node with the highest degree and tell me who its neighbours are.",),
    "compare_degree": ("Does {a} have more neighbours than {b}, or fewer?",),
    "typo_degree": ("What number of edges does {a} take part in?",),
    "unknown_node": ("What is connected to {x}?",),
    "ambiguous_node": ("What can you find on {a}?",),
    "write_refusal": ("Wipe node {a} out of the database.",),
    "no_tool": ("What should I cook for dinner?",),
}
"""Test-only phrasings written with the third training wave, before any model had answered them: after that
wave was written with the ``held_out`` and ``fresh`` failures in view, this set is the clean measure of unseen
wordings."""

WAVE4: dict[str, tuple[str, ...]] = {
    "count_nodes": ("How many vertices can be found in the graph?",),
    "count_edges": ("Across the whole graph, how many edges can you count?",),
    "count_label": ("What number of nodes have {label} as their label?",),
    "count_rel": ("In total, how many edges are typed {rel}?",),
    "degree": ("To how many other nodes is {a} adjacent?",),
    "out_degree": ("What is the number of edges that go out of {a}?",),
    "in_degree": ("What is the number of edges that lead into {a}?",),
    "neighbors": ("Which nodes border {a} directly?",),
    "successors": ("Which nodes does one outgoing edge of {a} lead to?",),
    "has_path": ("Is {b} within reach if I start at {a}?",),
    "shortest_path": ("Which nodes does the shortest hop route from {a} to {b} pass through?",),
    "weighted_path": ("Taking the edge weights into account, what is the cheapest path from {a} to {b}?",),
    "k_hop": ("Which nodes are at most {k} hops away when starting from {a}?",),
    "count_components": ("How many separate connected groups does the graph have?",),
    "component_of": ("Which nodes are in the connected component where {a} lies?",),
    "has_cycle": ("Would following the edges ever bring me back where I began?",),
    "topological_order": ("Give the nodes in an order that respects every edge's direction.",),
    "is_bipartite": ("Do the nodes fall into two sides with edges only running across?",),
    "triangles": ("How many trios of nodes are linked pairwise in the graph?",),
    "diameter": ("What is the largest shortest-path hop count between any two nodes?",),
    "most_central": ("Which node has the greatest {measure} centrality score?",),
    "max_flow": ("How much can flow from {a} to {b} at the most?",),
    "min_cut": ("Which cut between {a} and {b} has the smallest capacity, and how big is it?",),
    "max_matching": ("How many edges fit in a matching of largest size?",),
    "hamiltonian_path": ("Is there a path that visits each node once and only once?",),
    "chain_count": ("How many two-edge sequences of the form a -> b -> c are there?",),
    "common_neighbors": ("Which nodes are adjacent to {a} and to {b} alike?",),
    "jaccard": ("How alike are the neighbourhoods of {a} and {b}, measured by Jaccard?",),
    "describe": ("Paint me a picture of this graph.",),
    "find_by_property": ("Which {labels} carry the value {value} in {prop}?",),
    "property_of": ("In the data, {a} has what {prop}?",),
    "related_in": ("Which nodes is {a} the target of a {rel} edge from?",),
    "related_out": ("Where do {rel} edges lead when they start at {a}?",),
    "top_neighbors": ("Which nodes are adjacent to the node with the most connections?",),
    "compare_degree": ("Which of {a} and {b} is adjacent to more nodes?",),
    "typo_degree": ("To how many other nodes is {a} adjacent?",),
    "unknown_node": ("Which nodes are neighbours of {x}?",),
    "ambiguous_node": ("Fill me in on {a}.",),
    "write_refusal": ("Please add an edge between {a} and {b}.",),
    "no_tool": ("Which book would you suggest for a long flight?",),
}
"""Test-only phrasings written with the fourth training wave, before any model had answered them: the first
three sets' failures were read while that wave was written, so for a model trained on it ``wave4`` is the clean
measure of unseen wordings."""

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
