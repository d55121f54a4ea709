// The fixed word list the generated test models learn their BPE merges from: everyday nouns,
// adjectives and prompt words (ImageNet-ish class names and CLIP templates).

export const TRAINING_WORDS: readonly string[] = `
a an the of in on with and photo picture image of a this is nice big small little large bright dark
dog dogs cat cats bird birds fish fishes horse horses sheep cow cows bear bears zebra giraffe elephant
tiger lion wolf fox rabbit mouse mice rat frog snake turtle lizard shark whale dolphin penguin owl eagle
hawk duck goose swan parrot chicken hen rooster pig goat deer monkey ape gorilla squirrel beaver otter
car cars truck trucks bus buses train trains plane planes airplane boat boats ship ships bicycle bike
motorcycle scooter tractor rocket helicopter tram taxi van wagon sailboat canoe kayak submarine
apple apples banana bananas orange oranges lemon grape grapes strawberry cherry peach pear pineapple
bread cake pizza burger sandwich coffee tea milk water juice cheese butter egg eggs rice soup salad
house houses home tower bridge castle church temple school library hospital station stadium market
tree trees flower flowers grass leaf leaves forest mountain mountains river lake sea ocean beach desert
sky cloud clouds rain snow storm sun moon star stars night day morning evening winter summer spring
red green blue yellow black white brown gray grey pink purple golden silver wooden metal glass stone
chair chairs table tables sofa bed lamp clock mirror window door desk shelf cup cups bowl plate spoon
fork knife bottle glass jar basket box bag backpack umbrella hat shoe shoes shirt dress jacket coat
phone computer laptop keyboard screen camera television radio guitar piano violin drum trumpet flute
person people man men woman women child children boy girl baby player painter teacher doctor farmer
running jumping sitting standing sleeping flying swimming eating reading playing walking driving
photo photo photo picture picture image image dog dog cat cat bird car car the the the a a a of of of
`
  .split(/\s+/)
  .filter((w) => w !== '');
