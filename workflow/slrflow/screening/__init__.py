"""Screening: the decision logs in screening/, their one settlement, the reviewers' queues and the ranking model.

decisions   read and write the logs under the line rule (one decision per physical line)
state       settle: each study's status at each stage (the workflow, the app and the audit call it)
outputs     the tables of results/screening/
reattach    a decision follows its report when its record leaves the inputs
queues      what each reviewer still has to decide
model       the ranking model, query text and stopping rule built from config
"""
